package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

import java.nio.charset.StandardCharsets;

/**
 * STATUS-REPORT: [i32 replica][i32 client >= n][i64 nonce][i64 view][u8 flags: 1 view active, 2
 * transferring, 4 corrupt][i64 lastExecuted][i64 stableSeq][i64 viewChangesStarted][i64 transfers]
 * [i64 pages][u8 count <= 48] count * ([u8 len 1..40][name: A-Z a-z 0-9 _ .][i64 value >= 0]).
 */
final class StatusReportCodec implements BodyCodec<StatusReport> {
    static final StatusReportCodec INSTANCE = new StatusReportCodec();

    private StatusReportCodec() {}

    @Override public int size(StatusReport s) {
        if (s.counters().size() > STATUS_REPORT_MAX_COUNTERS) throw new IllegalArgumentException(s.counters().size() + " counters");
        int size = STATUS_REPORT_FIXED_BYTES;
        for (StatusReport.Counter c : s.counters()) size += 1 + checkedName(c.name()).length + 8;
        return size;
    }

    private static byte[] checkedName(String name) {
        if (!validName(name)) throw new IllegalArgumentException("counter name '" + name + "'");
        return name.getBytes(StandardCharsets.US_ASCII);
    }

    static boolean validName(String name) {
        if (name == null || name.isEmpty() || name.length() > STATUS_REPORT_MAX_NAME) return false;
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (!(ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '_' || ch == '.')) return false;
        }
        return true;
    }

    @Override public int write(StatusReport s, byte[] out, int off) {
        int o = putInt(out, off, s.replica());
        o = putInt(out, o, s.client());
        o = putLong(out, o, s.nonce());
        o = putLong(out, o, s.view());
        o = putByte(out, o, (s.viewActive() ? 1 : 0) | (s.transferring() ? 2 : 0) | (s.corrupt() ? 4 : 0));
        o = putLong(out, o, s.lastExecuted());
        o = putLong(out, o, s.stableSeq());
        o = putLong(out, o, s.viewChangesStarted());
        o = putLong(out, o, s.transfersCompleted());
        o = putLong(out, o, s.pagesTransferred());
        o = putByte(out, o, s.counters().size());
        for (StatusReport.Counter c : s.counters()) {
            byte[] name = checkedName(c.name());
            o = putByte(out, o, name.length);
            System.arraycopy(name, 0, out, o, name.length);
            o += name.length;
            o = putLong(out, o, c.value());
        }
        return o;
    }

    @Override public StatusReport read(BodyReader in) throws DecodeException {
        int replica = in.replica();
        int client = in.i32();
        if (client < in.limits.replicaCount()) throw BodyReader.bad("status report for principal " + client + ", not a client");
        long nonce = in.i64();
        long view = in.view();
        int flags = in.u8();
        if ((flags & ~7) != 0) throw BodyReader.bad("status report flags " + flags);
        long executed = BodyReader.nonNegative(in.i64(), "last executed");
        long stable = BodyReader.nonNegative(in.i64(), "stable checkpoint");
        long viewChanges = BodyReader.nonNegative(in.i64(), "view changes");
        long transfers = BodyReader.nonNegative(in.i64(), "transfers");
        long pages = BodyReader.nonNegative(in.i64(), "pages");
        int count = in.count(in.u8(), STATUS_REPORT_MAX_COUNTERS, 1 + 1 + 8, "counters");
        StatusReport.Counter[] counters = new StatusReport.Counter[count];
        for (int i = 0; i < count; i++) {
            int len = in.u8();
            if (len < 1 || len > STATUS_REPORT_MAX_NAME) throw BodyReader.bad("counter name of " + len + " bytes");
            String name = new String(in.bytes(len, STATUS_REPORT_MAX_NAME, "counter name"), StandardCharsets.US_ASCII);
            if (!validName(name)) throw BodyReader.bad("counter name");
            counters[i] = new StatusReport.Counter(name, BodyReader.nonNegative(in.i64(), "counter " + name));
        }
        return new StatusReport(replica, client, nonce, view, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0,
                executed, stable, viewChanges, transfers, pages, BodyReader.list(counters));
    }
}
