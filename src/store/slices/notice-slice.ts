import type { SliceCreator } from './types';

/**
 * Something the user should know that is not a failure (the model runs from memory, big images
 * are downscaled, the model was reloaded on a safer path). Notices never end a run and never
 * take the error slot; each shows until dismissed, and a newer one with the same code replaces it.
 */
export interface Notice {
  code: string;
  message: string;
}

export interface NoticeSlice {
  notices: Notice[];
  addNotice(notice: Notice): void;
  dismissNotice(code: string): void;
}

export const createNoticeSlice: SliceCreator<NoticeSlice> = (set, get) => ({
  notices: [],
  addNotice: (notice) => set({ notices: [...get().notices.filter((n) => n.code !== notice.code), notice] }),
  dismissNotice: (code) => set({ notices: get().notices.filter((n) => n.code !== code) }),
});
