package io.bulwark.store.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.store.AccessDeniedException;
import io.bulwark.store.BadRequestException;
import io.bulwark.store.EntityExistsException;
import io.bulwark.store.NotFoundException;
import io.bulwark.store.OperationFailedException;
import io.bulwark.store.OptimisticLockException;
import io.bulwark.store.StoreException;
import io.bulwark.store.ValidationException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

    @Test
    void requestRoundTrips() {
        RequestEnvelope r = new RequestEnvelope("bank.transfer", List.of(new byte[] {1, 2}, new byte[0], new byte[] {9}));
        RequestEnvelope back = RequestEnvelope.decode(r.encode());
        assertEquals("bank.transfer", back.operation());
        assertEquals(3, back.arguments().size());
        assertArrayEquals(new byte[] {1, 2}, back.arguments().get(0));
        assertArrayEquals(new byte[0], back.arguments().get(1));
        assertArrayEquals(new byte[] {9}, back.arguments().get(2));
    }

    @Test
    void malformedRequestsAreBadRequests() {
        byte[] good = new RequestEnvelope("op", List.of(new byte[] {7})).encode();
        assertBad(new byte[0], "truncated at version");
        assertBad(new byte[] {2, 2, 'o', 'p', 0}, "unsupported version 2");
        assertBad(new byte[] {1, 0, 0}, "empty operation name");
        assertBad(new byte[] {1, 2, 'o', ' ', 0}, "not printable ASCII");
        assertBad(new byte[] {1, (byte) 200, 'o'}, "operation name of 200 bytes exceeds");
        assertBad(new byte[] {1, 2, 'o', 'p', 33}, "33 arguments exceeds");
        assertBad(new byte[] {1, 2, 'o', 'p', 1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}, "exceeds the limit");
        assertBad(new byte[] {1, 2, 'o', 'p', 1, 0, 0, 0, 5, 1}, "truncated at argument 1");
        assertBad(Arrays.copyOf(good, good.length + 1), "1 trailing byte");
        for (int cut = 0; cut < good.length; cut++) assertBad(Arrays.copyOf(good, cut), "truncated");
    }

    @Test
    void randomBytesNeverEscapeAsAnythingButBadRequest() {
        // Anything else escaping fails the test by itself; what decodes must be canonical: it encodes
        // back to exactly the bytes it came from (so two replicas never read one request two ways).
        SplittableRandom rnd = new SplittableRandom(20240501);
        int requests = 0, replies = 0, rejected = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[rnd.nextInt(24)];
            for (int j = 0; j < b.length; j++) b[j] = (byte) rnd.nextInt(256);
            if (rnd.nextBoolean() && b.length > 0) b[0] = 1;
            if (rnd.nextInt(4) == 0 && b.length > 1) b[1] = (byte) rnd.nextInt(6);   // short names, some valid
            if (rnd.nextInt(4) == 0 && b.length > 0) b[0] = Reply.VERSION;
            try {
                RequestEnvelope r = RequestEnvelope.decode(b);
                assertArrayEquals(b, r.encode(), "a decoded request re-encodes to its bytes");
                assertTrue(!r.operation().isEmpty() && r.arguments().size() <= 32);
                requests++;
            } catch (BadRequestException expected) {
                assertNotNull(expected.getMessage());
                rejected++;
            }
            try {
                Reply r = Reply.decode(b);
                assertArrayEquals(b, r.encode(), "a decoded reply re-encodes to its bytes");
                replies++;
            } catch (BadRequestException expected) {
                assertNotNull(expected.getMessage());
                rejected++;
            }
        }
        // And single-byte mutations of a valid request: many still decode, and must then be canonical too.
        byte[] good = new RequestEnvelope("bank.transfer", List.of(new byte[] {1, 2}, new byte[] {9})).encode();
        for (int i = 0; i < 5_000; i++) {
            byte[] b = good.clone();
            b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            try {
                assertArrayEquals(b, RequestEnvelope.decode(b).encode(), "a decoded request re-encodes to its bytes");
                requests++;
            } catch (BadRequestException expected) {
                assertNotNull(expected.getMessage());
                rejected++;
            }
        }
        assertTrue(requests > 0 && replies > 0 && rejected > 0, requests + " requests, " + replies + " replies decoded, " + rejected + " rejected");
    }

    @Test
    void everyFailureTypeRoundTripsThroughTheReply() {
        List<StoreException> failures = List.of(new NotFoundException("no account 7"), new EntityExistsException("account 7 exists"),
                new OptimisticLockException("version 3, stored 4"), new AccessDeniedException("bob may not"), new BadRequestException("bad"),
                new ValidationException(List.of(new ValidationException.Violation("Account", "balance", "must be greater than or equal to 0"),
                        new ValidationException.Violation("Account", "owner", "must not be blank"))),
                new OperationFailedException("java.lang.IllegalStateException", "boom"),
                new OperationFailedException("java.lang.NullPointerException", null));
        for (StoreException f : failures) {
            Reply r = Reply.decode(Reply.failure(f));
            StoreException back = assertInstanceOf(Reply.Failed.class, r).failure();
            assertEquals(f.getClass(), back.getClass());
            assertEquals(f.getMessage(), back.getMessage());
        }
        ValidationException v = (ValidationException) ((Reply.Failed) Reply.decode(Reply.failure(failures.get(5)))).failure();
        assertEquals(((ValidationException) failures.get(5)).violations(), v.violations());
        OperationFailedException o = (OperationFailedException) ((Reply.Failed) Reply.decode(Reply.failure(failures.get(7)))).failure();
        assertEquals("java.lang.NullPointerException", o.exceptionClass());
        assertEquals("java.lang.NullPointerException", o.getMessage(), "no message stays no message");
    }

    @Test
    void okRoundTripsItsBytes() {
        Reply r = Reply.decode(Reply.ok(new byte[] {4, 5, 6}));
        assertArrayEquals(new byte[] {4, 5, 6}, assertInstanceOf(Reply.Ok.class, r).result());
        assertArrayEquals(Reply.ok(new byte[] {4, 5, 6}), r.encode());
    }

    @Test
    void failuresAreBoundedSoTheyAlwaysFitAReply() {
        String longMessage = "é".repeat(5000);   // two UTF-8 bytes each: the cut must not split one
        List<ValidationException.Violation> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) many.add(new ValidationException.Violation("E", "p" + i, longMessage));
        byte[] bytes = Reply.failure(new ValidationException(many));
        assertTrue(bytes.length < 64 * 1024, "fits the engine's default result limit: " + bytes.length);
        ValidationException v = (ValidationException) ((Reply.Failed) Reply.decode(bytes)).failure();
        assertEquals(Reply.MAX_VIOLATIONS, v.violations().size());
        assertEquals(100 - Reply.MAX_VIOLATIONS, v.omitted(), "the others are counted");
        assertTrue(v.getMessage().endsWith(" and " + (100 - Reply.MAX_VIOLATIONS) + " more"), v.getMessage());
        assertEquals("é".repeat(Reply.MAX_TEXT_BYTES / 2), v.violations().get(0).message());
        String cut = ((Reply.Failed) Reply.decode(Reply.failure(new NotFoundException("x" + longMessage)))).failure().getMessage();
        assertEquals("x" + "é".repeat((Reply.MAX_TEXT_BYTES - 1) / 2), cut);
    }

    @Test
    void failuresAreCutToFitAnyResultLimitDeterministically() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int trial = 0; trial < 400; trial++) {
            int limit = Reply.MIN_FAILURE_BYTES + rnd.nextInt(trial % 2 == 0 ? 300 : 60_000);
            StoreException f = switch (trial % 4) {
                case 0 -> new NotFoundException(text(rnd, 3_000));
                case 1 -> new OperationFailedException("com.example." + text(rnd, 600), rnd.nextBoolean() ? null : text(rnd, 3_000));
                default -> {
                    List<ValidationException.Violation> vs = new ArrayList<>();
                    int n = rnd.nextInt(trial % 4 == 2 ? 5 : 40);
                    for (int i = 0; i < n; i++) vs.add(new ValidationException.Violation(text(rnd, 300), text(rnd, 300), text(rnd, 1_500)));
                    yield new ValidationException(vs, rnd.nextInt(3));
                }
            };
            byte[] bytes = Reply.failure(f, limit);
            assertTrue(bytes.length <= limit, bytes.length + " bytes for a limit of " + limit);
            assertArrayEquals(bytes, Reply.failure(f, limit), "a function of the failure and the limit");
            StoreException back = assertInstanceOf(Reply.Failed.class, Reply.decode(bytes)).failure();
            assertEquals(f.getClass(), back.getClass());
            if (f instanceof ValidationException v) {
                ValidationException w = (ValidationException) back;
                int kept = w.violations().size();
                assertEquals(v.violations().size() + v.omitted(), kept + w.omitted(), "every violation is carried or counted");
                assertTrue(kept >= Math.min(1, v.violations().size()), "the first violation is always carried");
                for (int i = 0; i < kept; i++) {
                    ValidationException.Violation a = v.violations().get(i), b = w.violations().get(i);
                    assertTrue(a.entity().startsWith(b.entity()) && a.path().startsWith(b.path()) && a.message().startsWith(b.message()),
                            "violations in order, texts cut from their ends");
                }
                if (w.omitted() > 0) assertTrue(w.getMessage().endsWith(" and " + w.omitted() + " more"));
            } else if (f instanceof OperationFailedException o) {
                OperationFailedException p = (OperationFailedException) back;
                assertTrue(o.exceptionClass().startsWith(p.exceptionClass()));
                assertTrue(p.exceptionClass().length() >= Math.min(o.exceptionClass().length(), 20), "the class name keeps a fair share");
            } else {
                assertTrue(f.getMessage().startsWith(back.getMessage()));
                assertTrue(!back.getMessage().isEmpty());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Reply.failure(new BadRequestException("x"), Reply.MIN_FAILURE_BYTES - 1));
    }

    /** Up to {@code maxChars} characters of 1 to 4 UTF-8 bytes (a surrogate pair for the 4-byte one). */
    private static String text(SplittableRandom rnd, int maxChars) {
        String[] pieces = {"a", "é", "€", "\uD83D\uDE00"};
        StringBuilder b = new StringBuilder();
        for (int i = rnd.nextInt(1, maxChars + 1); i > 0; i--) b.append(pieces[rnd.nextInt(pieces.length)]);
        return b.toString();
    }

    @Test
    void malformedRepliesAreBadRequests() {
        assertBadReply(new byte[0], "truncated");
        assertBadReply(new byte[] {9, 0}, "unsupported version 9");
        assertBadReply(new byte[] {1, 42}, "unsupported version 1");
        assertBadReply(new byte[] {Reply.VERSION, 42}, "unknown status 42");
        assertBadReply(new byte[] {Reply.VERSION, Reply.NOT_FOUND, 0, 5, 'a'}, "truncated");
        assertBadReply(new byte[] {Reply.VERSION, Reply.NOT_FOUND, 0, 1, 'a', 'b'}, "trailing");
        assertBadReply(new byte[] {Reply.VERSION, Reply.NOT_FOUND, 0, 2, (byte) 0xc3, 0x28}, "not valid UTF-8");
        assertBadReply(new byte[] {Reply.VERSION, Reply.VALIDATION, 0, 17}, "17 violations exceeds");
        assertBadReply(new byte[] {Reply.VERSION, Reply.VALIDATION, 0, 0, (byte) 0xff, 0, 0, 0}, "omitted count 4278190080 exceeds");
        assertBadReply(new byte[] {Reply.VERSION, Reply.OPERATION_FAILED, 0, 1, 'X', 2}, "has-message flag 2");
        byte[] hugeText = new byte[4 + 2000];
        hugeText[0] = Reply.VERSION;
        hugeText[1] = Reply.BAD_REQUEST;
        hugeText[2] = (byte) (2000 >>> 8);
        hugeText[3] = (byte) 2000;
        assertBadReply(hugeText, "exceeds the limit of 1024");
    }

    private static void assertBad(byte[] b, String fragment) {
        BadRequestException e = assertThrows(BadRequestException.class, () -> RequestEnvelope.decode(b), new String(b, StandardCharsets.ISO_8859_1));
        assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should contain '" + fragment + "'");
    }

    private static void assertBadReply(byte[] b, String fragment) {
        BadRequestException e = assertThrows(BadRequestException.class, () -> Reply.decode(b));
        assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should contain '" + fragment + "'");
    }
}
