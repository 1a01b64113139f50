package io.corsguard.netty;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** HTTP/1.1 over a plain socket: the response head is read as the raw lines that left the server. */
final class RawClient implements AutoCloseable {

    record Response(String statusLine, List<String> lines, String body) {
        int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }

        /** Values of every line named {@code name} (any case), in order. */
        List<String> values(String name) {
            List<String> out = new ArrayList<>();
            for (String line : lines) {
                int colon = line.indexOf(':');
                if (line.substring(0, colon).equalsIgnoreCase(name)) {
                    out.add(line.substring(colon + 1).trim());
                }
            }
            return out;
        }

        /** The CORS lines ({@code Access-Control-*}, {@code Vary}) exactly as sent. */
        List<String> corsLines() {
            List<String> out = new ArrayList<>();
            for (String line : lines) {
                String lower = line.toLowerCase();
                if (lower.startsWith("access-control-") || lower.startsWith("vary:")) {
                    out.add(line);
                }
            }
            return out;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawClient(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    static String request(String method, String target, String... headerLines) {
        StringBuilder sb = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
            .append("Host: localhost\r\n");
        for (String h : headerLines) {
            sb.append(h).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    void send(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    Response read() throws IOException {
        return read(false);
    }

    /** Reads one response; {@code headRequest}: it answers a HEAD, so it has no body. */
    Response read(boolean headRequest) throws IOException {
        String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.1 ")) {
            throw new IOException("out of step with the server, got: " + statusLine);
        }
        List<String> lines = new ArrayList<>();
        for (String l = line(); !l.isEmpty(); l = line()) {
            lines.add(l);
        }
        Response head = new Response(statusLine, lines, "");
        int status = head.status();
        if (headRequest || status < 200 || status == 204 || status == 304) {
            return head;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (head.values("Transfer-Encoding").contains("chunked")) {
            for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
                body.write(in.readNBytes(size));
                line();
            }
            for (String l = line(); !l.isEmpty(); l = line()) {
                // trailers
            }
        } else if (!head.values("Content-Length").isEmpty()) {
            body.write(in.readNBytes(Integer.parseInt(head.values("Content-Length").get(0))));
        }
        return new Response(statusLine, lines, body.toString(StandardCharsets.ISO_8859_1));
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException("connection closed after " + b);
            }
            b.write(c);
        }
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
