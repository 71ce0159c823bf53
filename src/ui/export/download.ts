/** Saves a blob as a file through a temporary link (works without the File System Access API). */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file-system-safe name stem for a trace: date and a slug of the question. */
export function traceFileStem(createdAt: string, question: string): string {
  const date = (createdAt || new Date().toISOString()).slice(0, 19).replace(/[:T]/g, '-');
  const slug = question
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `deepeyes-${date}${slug ? '-' + slug : ''}`;
}
