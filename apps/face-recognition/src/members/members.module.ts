import { Inject, Module, OnModuleDestroy } from '@nestjs/common';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FaceRecognitionConfig } from '@edgewatch/config';

import { FACE_RECOGNITION_CONFIG } from '../app.tokens';

import { createDynamoClient, DYNAMODB_CLIENT } from './dynamodb.client';
import { MemberCache } from './member.cache';
import { MembersRepository } from './members.repository';

@Module({
  providers: [
    {
      provide: DYNAMODB_CLIENT,
      inject: [FACE_RECOGNITION_CONFIG],
      useFactory: (config: FaceRecognitionConfig) => createDynamoClient(config.dynamo),
    },
    {
      provide: MembersRepository,
      inject: [DYNAMODB_CLIENT, FACE_RECOGNITION_CONFIG],
      useFactory: (client: DynamoDBClient, config: FaceRecognitionConfig) =>
        new MembersRepository(client, config.dynamo.membersTable),
    },
    MemberCache,
  ],
  exports: [MemberCache, MembersRepository, DYNAMODB_CLIENT],
})
export class MembersModule implements OnModuleDestroy {
  constructor(@Inject(DYNAMODB_CLIENT) private readonly client: DynamoDBClient) {}

  onModuleDestroy(): void {
    // Closes the client's keep-alive sockets; the cache has stopped by now (it is a provider).
    this.client.destroy();
  }
}
