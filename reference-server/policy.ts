/**
 * Glance's policy rules for the routes that name one, with the defaults of
 * Glance 29.0.0+ (the releases that have those routes). A refusal is Glance's
 * 403 `You are not authorized to complete <rule> action.`
 *
 * Glance's no-auth pipeline has no roles, so real Glance refuses the service
 * rules there (DEVIATIONS.md P1); the reference, as a test double for
 * services, grants every rule when no identity is configured.
 */
import type { RequestContext } from './auth';
import { httpError } from './errors';

/** What a rule may look at besides the caller: the image's owner. */
export interface PolicyTarget {
  owner: string | null;
}

/** `rule:service_api`: `role:service or role:admin` (admin kept for services without the service role). */
const isService = (context: RequestContext): boolean =>
  context.roles.includes('service') || context.roles.includes('admin');

/** `role:member and project_id:%(owner)s`. */
const isOwningMember = (context: RequestContext, target: PolicyTarget): boolean =>
  context.roles.includes('member') && context.project !== null && context.project === target.owner;

const RULES = {
  add_image_location: (context: RequestContext, target: PolicyTarget) =>
    isService(context) || isOwningMember(context, target),
  fetch_image_location: (context: RequestContext) => isService(context),
} satisfies Record<string, (context: RequestContext, target: PolicyTarget) => boolean>;

export type PolicyRule = keyof typeof RULES;

export function policyRefusal(rule: string) {
  return httpError(403, `You are not authorized to complete ${rule} action.`);
}

export function enforce(context: RequestContext, rule: PolicyRule, target: PolicyTarget): void {
  if (!context.authenticated) return;
  if (!RULES[rule](context, target)) throw policyRefusal(rule);
}
