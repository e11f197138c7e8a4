import type { HandlerMap } from '../rpc/handlers.ts';
import type { Services } from '../services/services.ts';

type ReviewCommands = 'review.create' | 'review.redeem' | 'review.status' | 'review.exit' | 'review.log' | 'review.evidence' | 'review.issued' | 'review.revoke' | 'review.extend' | 'review.withdraw' | 'insights.list';

export function reviewHandlers(s: Services): HandlerMap<ReviewCommands> {
  return {
    'review.create': (i, ctx) => s.review.create(i, ctx.capabilities),
    'review.redeem': (i, ctx) => s.review.redeem(i, ctx),
    'review.status': () => s.review.status(),
    'review.exit': () => s.review.exit(),
    'review.log': (i) => s.review.log(i.limit),
    'review.evidence': (i, ctx) => s.review.evidence(i.out, ctx.capabilities),
    'review.issued': () => s.review.issued(),
    'review.revoke': (i) => s.review.revoke(i),
    'review.extend': (i) => s.review.extend(i),
    'review.withdraw': (i) => s.review.withdraw(i),
    'insights.list': (i) => s.review.insights(i),
  };
}
