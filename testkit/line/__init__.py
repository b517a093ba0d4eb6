"""LINE for tests: a stand-in Messaging API (reply tokens, retry keys, quota, limits), webhook
events as LINE sends them, the replay driver."""
