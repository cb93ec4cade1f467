package io.bulwark.store.service;

import io.bulwark.store.BadRequestException;
import io.bulwark.store.operation.OperationRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A store request as the client sends it inside a BFT request's operation bytes: which operation,
 * and its arguments, each encoded separately with the store's codec (so each is decoded against its
 * parameter's declared type). Who sends it is not in here: the replicas take the caller from the
 * engine's authentication.
 * <pre>
 * [u8 version = 1][u8 name length][name: printable ASCII][u8 argument count]
 * then per argument: [u32 length][codec bytes]
 * </pre>
 * Decoding is bounded (name, count, each length, total) and fails closed with a {@link BadRequestException}.
 */
public record RequestEnvelope(String operation, List<byte[]> arguments) {
    public static final int VERSION = 1;
    /** Largest request (the engine's own limit on operation bytes is usually far lower). */
    public static final int MAX_BYTES = 16 << 20;

    public RequestEnvelope {
        checkName(operation);
        if (arguments.size() > OperationRegistry.MAX_ARGUMENTS)
            throw new IllegalArgumentException("more than " + OperationRegistry.MAX_ARGUMENTS + " arguments");
        List<byte[]> copy = new ArrayList<>(arguments.size());
        for (byte[] a : arguments) copy.add(a.clone());
        arguments = List.copyOf(copy);
    }

    public byte[] encode() {
        EnvelopeWriter w = new EnvelopeWriter().u8(VERSION);
        byte[] name = operation.getBytes(StandardCharsets.US_ASCII);
        w.u8(name.length).raw(name).u8(arguments.size());
        for (byte[] a : arguments) w.u32(a.length).raw(a);
        byte[] out = w.toBytes();
        if (out.length > MAX_BYTES) throw new IllegalArgumentException("request of " + out.length + " bytes exceeds " + MAX_BYTES);
        return out;
    }

    /** Decodes untrusted bytes; {@link BadRequestException} if they are not exactly one well-formed envelope. */
    public static RequestEnvelope decode(byte[] bytes) {
        EnvelopeReader r = new EnvelopeReader(bytes, "request");
        if (bytes.length > MAX_BYTES) throw r.bad(bytes.length + " bytes exceeds " + MAX_BYTES);
        int version = r.u8("version");
        if (version != VERSION) throw r.bad("unsupported version " + version + " (expected " + VERSION + ")");
        byte[] name = r.bytes(r.u8("name length"), OperationRegistry.MAX_NAME_CHARS, "operation name");
        if (name.length == 0) throw r.bad("empty operation name");
        for (byte c : name) if (c < 0x21 || c > 0x7e) throw r.bad("operation name is not printable ASCII");
        int count = r.u8("argument count");
        if (count > OperationRegistry.MAX_ARGUMENTS) throw r.bad(count + " arguments exceeds " + OperationRegistry.MAX_ARGUMENTS);
        List<byte[]> args = new ArrayList<>(count);
        for (int i = 0; i < count; i++) args.add(r.bytes(r.u32("argument " + (i + 1) + " length"), MAX_BYTES, "argument " + (i + 1)));
        r.end();
        return new RequestEnvelope(new String(name, StandardCharsets.US_ASCII), args);
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > OperationRegistry.MAX_NAME_CHARS)
            throw new IllegalArgumentException("operation name must be 1-" + OperationRegistry.MAX_NAME_CHARS + " characters");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x21 || c > 0x7e) throw new IllegalArgumentException("operation name must be printable ASCII: " + name);
        }
    }
}
