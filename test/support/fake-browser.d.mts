export function follow(startUrl: string, opts?: { maxHops?: number; deny?: boolean }): Promise<{ status: number; url: string; body?: string; headers?: Record<string, string> }>;
