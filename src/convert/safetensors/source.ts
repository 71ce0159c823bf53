/**
 * Where a checkpoint's files come from, as the converter sees them: a local folder (Node), a
 * Hugging Face repo read over HTTP Range requests (src/delivery/hub), or anything else that can
 * answer these few calls. Names are '/'-separated and relative to the checkpoint's root. Nothing
 * here assumes the whole file can be held: tensors are read as byte ranges.
 */
export interface CheckpointFiles {
  /** For messages: the folder path or `hf:org/repo@revision`. */
  readonly label: string;
  /** Where `name` lives, for messages and error reports (absolute path or URL). */
  location(name: string): string;
  exists(name: string): Promise<boolean>;
  /** A small file whole (config, index, tokenizer). */
  readBytes(name: string): Promise<Uint8Array>;
  /** Size in bytes. */
  size(name: string): Promise<number>;
  /** Fills `into` with the bytes from `offset`; throws a typed error when fewer exist. */
  readRange(name: string, offset: number, into: Uint8Array, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export async function readText(files: CheckpointFiles, name: string): Promise<string> {
  return new TextDecoder().decode(await files.readBytes(name));
}
