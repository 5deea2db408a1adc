import type { Plugin } from 'graphql-yoga';
import type { FederatedSubscriptions, SubscriberTransport } from './federated.js';

/** Routes every subscription in the envelop pipeline to the federated subscribe. */
export function useFederatedSubscriptions(subscriptions: FederatedSubscriptions): Plugin {
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn((args) => {
        const transport = (args.contextValue as { transport?: SubscriberTransport }).transport;
        return subscriptions.subscribe(args, transport) as never;
      });
    },
  };
}
