package io.bulwark.bft.msg;

/**
 * AUTH-FAILURE: replica {@code replica} tells the others that the request of {@code client} with
 * {@code timestamp}, carried in the pre-prepare for {@code seq} of {@code view} from that view's
 * primary, did not authenticate at it (its entry of the client's authenticator was wrong or
 * missing) and that it held no copy of the request it had authenticated itself.
 * <p>
 * It is the MAC-only answer to Aardvark's "big MAC" client: f+1 of them from distinct replicas in
 * one view mean at least one correct replica saw a bad authenticator in a request that the primary
 * proposed, so the client (or the network between it and the primary) is at fault; replicas then
 * stop taking that client's requests under that primary for a while (see
 * {@code core.ClientQuarantine}). Type code 16 (13-15 are taken by the state-transfer messages).
 */
public record AuthFailure(int replica, long view, long seq, int client, long timestamp) implements Message {
}
