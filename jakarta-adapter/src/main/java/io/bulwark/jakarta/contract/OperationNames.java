package io.bulwark.jakarta.contract;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.StringJoiner;

/**
 * The stable name of a replicated operation: readable {@code Contract.method}, then {@code -} and 12
 * hex digits of SHA-256 over the full signature {@code fqcn#method(paramType,...)} (binary class
 * names of the erased parameter types). So it depends only on the contract's name and the method's
 * signature: the same on every client and replica built from the same classes, different for each
 * overload, and never on declaration order. It fits the store's operation-name rules (at most 128
 * characters of letters, digits and {@code _ . : $ -}).
 */
public final class OperationNames {
    private static final int READABLE_MAX = 100;

    private OperationNames() {}

    /** {@code fqcn#method(paramType,...)}: what the name's digest is taken over. */
    public static String signature(Class<?> contract, Method method) {
        StringJoiner params = new StringJoiner(",", "(", ")");
        for (Class<?> p : method.getParameterTypes()) params.add(p.getName());
        return contract.getName() + "#" + method.getName() + params;
    }

    /** The operation name of {@code method} called through {@code contract}. */
    public static String of(Class<?> contract, Method method) {
        String readable = ascii(contract.getSimpleName()) + "." + ascii(method.getName());
        if (readable.length() > READABLE_MAX) readable = readable.substring(0, READABLE_MAX);
        return readable + "-" + digest(signature(contract, method));
    }

    private static String ascii(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ? c : '_');
        }
        if (b.length() == 0 || Character.isDigit(b.charAt(0))) b.insert(0, '_');
        return b.toString();
    }

    private static String digest(String signature) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(signature.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
