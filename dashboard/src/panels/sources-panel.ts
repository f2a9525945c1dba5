/** Each source's breaker and availability, live (filled in by the core lane's next commit). */
import type { DashboardApi } from '../api/api.js';

export function mountSourcesPanel(element: HTMLElement, api: DashboardApi): void {
  element.textContent = 'Sources';
  void api;
}
