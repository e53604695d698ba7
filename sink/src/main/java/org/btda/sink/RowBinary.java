package org.btda.sink;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A growable buffer of ClickHouse RowBinary values: fixed-width numbers little-endian, String = unsigned LEB128
 * length + bytes, FixedString(N) = exactly N bytes, Nullable = one flag byte (1 = NULL) before the value,
 * DateTime64(3) = Int64 milliseconds, Bool = one byte, Array/Map = LEB128 count + items (Map: key, value pairs).
 * LowCardinality is transparent. Not thread-safe.
 */
final class RowBinary {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private byte[] buf;
    private int size;

    RowBinary(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    int size() {
        return size;
    }

    void reset() {
        size = 0;
    }

    /** The buffer (valid up to {@link #size()}). */
    byte[] buffer() {
        return buf;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int more) {
        if (size + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }

    RowBinary u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    /** {@code n} zero bytes. */
    RowBinary zeros(int n) {
        ensure(n);
        Arrays.fill(buf, size, size + n, (byte) 0);
        size += n;
        return this;
    }

    /** The Nullable flag: {@code true} = NULL (no value follows). */
    RowBinary isNull(boolean isNull) {
        return u8(isNull ? 1 : 0);
    }

    RowBinary u16(int v) {
        ensure(2);
        SHORT.set(buf, size, (short) v);
        size += 2;
        return this;
    }

    /** UInt32 / Int32 (the low 32 bits). */
    RowBinary u32(long v) {
        ensure(4);
        INT.set(buf, size, (int) v);
        size += 4;
        return this;
    }

    /** UInt64 / Int64 / DateTime64(3) milliseconds. */
    RowBinary u64(long v) {
        ensure(8);
        LONG.set(buf, size, v);
        size += 8;
        return this;
    }

    RowBinary f64(double v) {
        return u64(Double.doubleToRawLongBits(v));
    }

    /** Unsigned LEB128 (string lengths, array and map sizes). */
    RowBinary varint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
        return this;
    }

    /** A String from UTF-8 bytes. */
    RowBinary string(byte[] src, int off, int len) {
        varint(len);
        return raw(src, off, len);
    }

    RowBinary string(byte[] utf8) {
        return string(utf8, 0, utf8.length);
    }

    /** A String of the lowercase hex of {@code len} bytes. */
    RowBinary hex(byte[] src, int off, int len) {
        varint(2L * len);
        ensure(2 * len);
        for (int i = off, end = off + len; i < end; i++) {
            buf[size++] = HEX[(src[i] >> 4) & 0xF];
            buf[size++] = HEX[src[i] & 0xF];
        }
        return this;
    }

    /** FixedString(n): the bytes, zero-padded to n as ClickHouse pads a shorter value; longer is refused. */
    RowBinary fixedString(byte[] src, int off, int len, int n) {
        if (len > n) throw new IllegalArgumentException("value of " + len + " bytes does not fit FixedString(" + n + ")");
        raw(src, off, len);
        ensure(n - len);
        Arrays.fill(buf, size, size + n - len, (byte) 0);
        size += n - len;
        return this;
    }

    RowBinary raw(byte[] src, int off, int len) {
        ensure(len);
        if (len <= 16) {                      // numbers and short strings: cheaper than an arraycopy call
            for (int i = 0; i < len; i++) buf[size + i] = src[off + i];
        } else {
            System.arraycopy(src, off, buf, size, len);
        }
        size += len;
        return this;
    }

    /**
     * Inserts the LEB128 of {@code v} at {@code at}, moving what follows: the count of an array or map whose items were
     * written first (Avro arrays come in blocks, so their total is known only at the end).
     */
    void insertVarint(int at, long v) {
        int n = 1;
        for (long x = v >>> 7; x != 0; x >>>= 7) n++;
        ensure(n);
        System.arraycopy(buf, at, buf, at + n, size - at);
        int end = size + n;
        size = at;
        varint(v);
        size = end;
    }
}
