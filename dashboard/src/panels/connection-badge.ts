/** The header's connection state (filled in by the core lane's next commit). */
import type { DashboardApi } from '../api/api.js';

export function mountConnectionBadge(element: HTMLElement, api: DashboardApi): void {
  api.onState((state) => {
    element.textContent = state;
  });
}
