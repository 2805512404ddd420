export type PhotoProblem =
  'unreadable' | 'not_an_image' | 'too_many_pixels' | 'no_face' | 'several_faces';

/** A photo that cannot be enrolled; nothing was written. */
export class EnrolmentPhotoError extends Error {
  override readonly name = 'EnrolmentPhotoError';

  constructor(
    readonly photo: string,
    readonly problem: PhotoProblem,
    detail: string,
  ) {
    super(`${photo}: ${detail}`);
  }
}

/** The members table does not exist at the endpoint; nothing was written. */
export class MembersTableMissingError extends Error {
  override readonly name = 'MembersTableMissingError';

  constructor(
    readonly table: string,
    /** The DynamoDB endpoint, without credentials. */
    readonly endpoint: string,
    options?: ErrorOptions,
  ) {
    super(`members table "${table}" does not exist at ${endpoint}`, options);
  }
}

/**
 * DynamoDB did not answer at the endpoint (refused,
 * unknown host, timeout); nothing was written.
 */
export class DynamoUnreachableError extends Error {
  override readonly name = 'DynamoUnreachableError';

  constructor(
    /** The DynamoDB endpoint, without credentials. */
    readonly endpoint: string,
    /** What the connection attempt said, e.g. `connect ECONNREFUSED 127.0.0.1:4567`. */
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`cannot reach DynamoDB at ${endpoint}: ${reason}`, options);
  }
}
