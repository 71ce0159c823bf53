import { DEFAULT_SETTINGS, type AgentSettings } from '../../agent/types';
import { sanitizeSettings } from '../settings';
import type { SliceCreator } from './types';

export interface SettingsSlice {
  settings: AgentSettings;
  updateSettings(patch: Partial<AgentSettings>): void;
  resetSettings(): void;
}

export const createSettingsSlice: SliceCreator<SettingsSlice> = (set, get) => ({
  settings: DEFAULT_SETTINGS,
  updateSettings: (patch) => set({ settings: sanitizeSettings({ ...get().settings, ...patch }) }),
  resetSettings: () => set({ settings: DEFAULT_SETTINGS }),
});
