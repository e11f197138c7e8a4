export const PNG_SIZES: number[];
export const ICNS_TYPES: Record<number, string>;
export function renderIconSet(): Map<string, Buffer>;
