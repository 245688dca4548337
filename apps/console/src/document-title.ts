/**
 * The tab title: open alert count first, so a console left in a background tab still shows that something needs
 * attention — "(3) Alerts · County Sensing Hub".
 */
import { t } from './i18n/i18n';

let page = '';
let openAlerts = 0;

export function setPageTitle(title: string): void {
  page = title;
  apply();
}

export function setOpenAlertCount(count: number): void {
  openAlerts = count;
  apply();
}

function apply(): void {
  document.title = `${openAlerts > 0 ? `(${openAlerts}) ` : ''}${page ? `${page} · ` : ''}${t('shell.titleSuffix')}`;
}
