package io.bulwark.bft.msg;

/**
 * STATUS-QUERY: client {@code client} (an operator's tool, {@code bulwark status}) asks one replica
 * for its {@link StatusReport}; {@code nonce} pairs the answer with the question. Point to point with
 * a MAC under the client's session key. Not part of the paper (issue 15 item 4: operators can see
 * what happens). Type code 21.
 */
public record StatusQuery(int client, long nonce) implements Message {
}
