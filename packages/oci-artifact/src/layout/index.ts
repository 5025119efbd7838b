export { LayoutTarget, type LayoutTargetOptions } from './layout-target.ts';
