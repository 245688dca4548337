export * from './linked-buses';
