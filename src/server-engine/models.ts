/**
 * GET /v1/models: the health check, and the names the server serves. Our `serve` also says how
 * its processor bounds images (`deepeyes_image_limits`), so the boxes the model writes map back to
 * the original image exactly; other servers are assumed to use the stock Qwen2.5-VL processor.
 */
import type { ImageLimits } from '../base/engine';
import { request, type ServerConfig } from './http';
import { ServerHttpError, ServerModelNotFoundError } from './errors';

/** Qwen2.5-VL's preprocessor_config.json defaults (min_pixels 56*56, max_pixels 28*28*16384). */
export const STOCK_IMAGE_LIMITS: ImageLimits = { minPixels: 3136, maxPixels: 12845056 };

export interface ServedModel {
  id: string;
  imageLimits?: ImageLimits;
}

export async function listModels(cfg: ServerConfig, signal?: AbortSignal): Promise<ServedModel[]> {
  const res = await request(cfg, '/models', undefined, signal);
  const json = (await res.json().catch(() => null)) as { data?: unknown } | null;
  if (!json || !Array.isArray(json.data))
    throw new ServerHttpError(res.status, '/models did not list models');
  return json.data.flatMap((m: unknown) => {
    const r = m as { id?: unknown; deepeyes_image_limits?: { min_pixels?: unknown; max_pixels?: unknown } };
    if (typeof r.id !== 'string') return [];
    const l = r.deepeyes_image_limits;
    const num = (v: unknown) => (typeof v === 'number' && v > 0 ? v : undefined);
    const limits = l ? { minPixels: num(l.min_pixels), maxPixels: num(l.max_pixels) } : undefined;
    return [{ id: r.id, ...(limits ? { imageLimits: limits } : {}) }];
  });
}

/** The model asked for, or a typed error listing what is there. */
export async function findModel(cfg: ServerConfig, signal?: AbortSignal): Promise<ServedModel> {
  const models = await listModels(cfg, signal);
  const found = models.find((m) => m.id === cfg.model);
  if (!found)
    throw new ServerModelNotFoundError(
      cfg.model,
      models.map((m) => m.id),
    );
  return found;
}
