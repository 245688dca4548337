export * from './catalogue.repository';
export * from './catalogue-input';
export * from './live-catalogue';
