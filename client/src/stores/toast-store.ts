/** Transient notifications ("Label moved", "Key revoked"): small UI state, so Zustand. */
import { create } from 'zustand';

export interface Toast {
  id: number;
  message: string;
  tone: 'success' | 'error';
  /** An in-app link shown after the message ("Open dataset"). */
  link?: { to: string; label: string };
}

interface ToastState {
  toasts: Toast[];
  push: (message: string, tone?: Toast['tone'], link?: Toast['link']) => void;
  dismiss: (id: number) => void;
}

let nextId = 1;

export const useToastStore = create<ToastState>((set, get) => ({
  toasts: [],
  push: (message, tone = 'success', link) => {
    const id = nextId++;
    set({ toasts: [...get().toasts, { id, message, tone, link }] });
    // A toast with a link stays longer: there is something to click.
    setTimeout(() => get().dismiss(id), link ? 8000 : 4000);
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
}));

export const toast = (message: string, tone?: Toast['tone'], link?: Toast['link']) => useToastStore.getState().push(message, tone, link);
