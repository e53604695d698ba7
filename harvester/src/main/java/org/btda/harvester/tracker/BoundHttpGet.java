package org.btda.harvester.tracker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 GET over a socket bound to a chosen local address. {@link java.net.http.HttpClient} cannot choose its
 * source address on Java 17, and a tracker records the announce's source address as the peer's: btda's announces must
 * leave from the address it listens on. Blocking (callers run it on their executor), {@code Connection: close}, no
 * compression; bounded: the whole exchange within the deadline, headers within {@link #MAX_HEADER_BYTES}, the body
 * within the caller's limit, at most {@link #MAX_REDIRECTS} redirects.
 */
final class BoundHttpGet {
    static final int MAX_HEADER_BYTES = 64 * 1024;
    static final int MAX_REDIRECTS = 5;

    private BoundHttpGet() {
    }

    /** The body of a 200 answer; any other status, a protocol error, a timeout or an oversized body is an exception. */
    static byte[] get(URI uri, InetAddress source, long timeoutMillis, int maxBody, String userAgent) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        URI current = uri;
        for (int hop = 0; ; hop++) {
            Response r = once(current, source, deadline, maxBody, userAgent);
            if (r.status / 100 == 3 && r.location != null && hop < MAX_REDIRECTS) {
                current = current.resolve(r.location);
                continue;
            }
            if (r.status != 200) throw new TrackerException("HTTP status " + r.status);
            return r.body;
        }
    }

    private record Response(int status, String location, byte[] body) {
    }

    private static Response once(URI uri, InetAddress source, long deadline, int maxBody, String userAgent) throws IOException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) throw new TrackerException("not an HTTP URL: " + uri);
        String host = uri.getHost();
        if (host == null) throw new TrackerException("no host in " + uri);
        boolean tls = scheme.equals("https");
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress(host, port), remaining(deadline));
            Socket s = socket;
            if (tls) {
                SSLSocket ssl = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(socket, host, port, true);
                ssl.setSoTimeout(remaining(deadline));
                ssl.startHandshake();
                s = ssl;
            }
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) path += "?" + uri.getRawQuery();
            String hostHeader = host.contains(":") ? "[" + host + "]" : host;
            if (uri.getPort() > 0) hostHeader += ":" + uri.getPort();
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nUser-Agent: " + userAgent
                    + "\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n";
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return read(new Deadlined(s, deadline), maxBody);
        } finally {
            socket.close();
        }
    }

    private static Response read(Deadlined in, int maxBody) throws IOException {
        String statusLine = in.line();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) throw new TrackerException("not an HTTP answer");
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new TrackerException("bad HTTP status line");
        }
        long contentLength = -1;
        boolean chunked = false;
        String location = null;
        for (String h = in.line(); !h.isEmpty(); h = in.line()) {
            int colon = h.indexOf(':');
            if (colon <= 0) continue;
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> {
                    try {
                        contentLength = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new TrackerException("bad content-length");
                    }
                }
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "location" -> location = value;
                default -> { }
            }
        }
        if (status / 100 == 3) return new Response(status, location, new byte[0]);
        if (contentLength > maxBody) throw new TrackerException("response larger than " + maxBody + " bytes (content-length)");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            while (true) {
                String sizeLine = in.line();
                int semi = sizeLine.indexOf(';');
                long size;
                try {
                    size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new TrackerException("bad chunk size");
                }
                if (size == 0) break;
                if (size < 0 || body.size() + size > maxBody) throw new TrackerException("response larger than " + maxBody + " bytes");
                in.copy(body, size);
                in.line(); // CRLF after the chunk
            }
        } else if (contentLength >= 0) {
            in.copy(body, contentLength);
        } else {
            in.copyToEnd(body, maxBody);
        }
        return new Response(status, location, body.toByteArray());
    }

    private static int remaining(long deadline) throws SocketTimeoutException {
        long ms = (deadline - System.nanoTime()) / 1_000_000;
        if (ms <= 0) throw new SocketTimeoutException("tracker deadline passed");
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    /** Reads with the socket timeout shrinking to what is left of the deadline. */
    private static final class Deadlined {
        private final Socket socket;
        private final InputStream in;
        private final long deadline;
        private int headerBytes;

        Deadlined(Socket socket, long deadline) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.deadline = deadline;
        }

        private int read() throws IOException {
            socket.setSoTimeout(remaining(deadline));
            return in.read();
        }

        /** One CRLF- (or LF-) terminated line of the header or chunk framing, bounded. */
        String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            while (true) {
                int b = read();
                if (b < 0) throw new TrackerException("connection closed in the HTTP header");
                if (++headerBytes > MAX_HEADER_BYTES) throw new TrackerException("HTTP header larger than " + MAX_HEADER_BYTES + " bytes");
                if (b == '\n') break;
                if (b != '\r') sb.append((char) b);
            }
            return sb.toString();
        }

        void copy(ByteArrayOutputStream out, long n) throws IOException {
            byte[] buf = new byte[8192];
            while (n > 0) {
                socket.setSoTimeout(remaining(deadline));
                int r = in.read(buf, 0, (int) Math.min(buf.length, n));
                if (r < 0) throw new TrackerException("connection closed in the HTTP body");
                out.write(buf, 0, r);
                n -= r;
            }
        }

        void copyToEnd(ByteArrayOutputStream out, int max) throws IOException {
            byte[] buf = new byte[8192];
            while (true) {
                socket.setSoTimeout(remaining(deadline));
                int r = in.read(buf);
                if (r < 0) return;
                if (out.size() + r > max) throw new TrackerException("response larger than " + max + " bytes");
                out.write(buf, 0, r);
            }
        }
    }
}
