/** Every market, live (filled in by the core lane's next commit). */
import type { DashboardApi } from '../api/api.js';

export function mountMarketsTable(element: HTMLElement, api: DashboardApi, options: { onSelect(ticker: string): void }): void {
  element.textContent = 'Markets';
  void api;
  void options;
}
