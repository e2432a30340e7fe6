/**
 * The local stand-in's `@aws-appsync/utils`: what the namespace's handler calls, with AppSync's
 * meaning. `util.unauthorized()` ends the handler and refuses the request (here: it throws an
 * `UnauthorizedException`, which the stand-in answers with `subscribe_error`).
 */
export class UnauthorizedException extends Error {
  override readonly name = 'UnauthorizedException';
}

export const util = {
  unauthorized(): never {
    throw new UnauthorizedException('You are not authorized to make this call.');
  },
};
