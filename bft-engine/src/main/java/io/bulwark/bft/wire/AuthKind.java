package io.bulwark.bft.wire;

/** How a frame is authenticated (section 4.1); the byte at offset 6 of the frame header. */
public enum AuthKind {
    /** Nothing after the body: a REQUEST carries the client's authenticator inside, a NEW-KEY its signature. */
    NONE(0),
    /** One MAC for one receiver, with the key sender→receiver, over header and body. */
    MAC(1),
    /** A u8 count (= n) and n MACs, entry j with the key sender→j, over header and body. */
    AUTHENTICATOR(2);

    public final int code;

    AuthKind(int code) { this.code = code; }

    /** The kind with this code, or null. */
    public static AuthKind ofCode(int code) {
        return switch (code) {
            case 0 -> NONE;
            case 1 -> MAC;
            case 2 -> AUTHENTICATOR;
            default -> null;
        };
    }
}
