/**
 * The picture the canvas shows: the decoded input when it is the trace's image (or there is no
 * trace), else the trace's embedded PNG (imports, restores), decoded once per URL.
 */
import { useEffect, useState } from 'react';
import { useAppStore } from '../../store/store';

export interface CanvasPicture {
  source: CanvasImageSource;
  width: number;
  height: number;
}

export function useCanvasImage(): CanvasPicture | null {
  const input = useAppStore((s) => s.inputImage);
  const traceImage = useAppStore((s) => s.trace?.image ?? null);
  const [decoded, setDecoded] = useState<{ url: string; picture: CanvasPicture } | null>(null);

  const useInput =
    input &&
    (!traceImage || (traceImage.width === input.rgb.width && traceImage.height === input.rgb.height));
  const url = !useInput && traceImage ? traceImage.dataUrl : null;

  useEffect(() => {
    if (!url || decoded?.url === url) return;
    let cancelled = false;
    const img = new Image();
    img.decoding = 'async';
    img.onload = () => {
      if (!cancelled)
        setDecoded({ url, picture: { source: img, width: img.naturalWidth, height: img.naturalHeight } });
    };
    img.src = url;
    return () => {
      cancelled = true;
    };
  }, [url, decoded?.url]);

  if (useInput && input) return { source: input.drawable, width: input.rgb.width, height: input.rgb.height };
  if (url && decoded?.url === url) {
    // An embedded PNG may be smaller than the declared size (a downscaled export): boxes use the declared one.
    return { ...decoded.picture, width: traceImage!.width, height: traceImage!.height };
  }
  return null;
}
