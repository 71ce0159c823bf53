import type { StateCreator } from 'zustand';
import type { InputSlice } from './input-slice';
import type { ModelSlice } from './model-slice';
import type { NoticeSlice } from './notice-slice';
import type { RunSlice } from './run-slice';
import type { SettingsSlice } from './settings-slice';
import type { TraceSlice } from './trace-slice';
import type { ViewSlice } from './view-slice';

export type AppState = TraceSlice &
  RunSlice &
  ViewSlice &
  SettingsSlice &
  ModelSlice &
  InputSlice &
  NoticeSlice;

/** Every slice sees the whole state (get) but declares only its own part. */
export type SliceCreator<T> = StateCreator<AppState, [['zustand/persist', unknown]], [], T>;
