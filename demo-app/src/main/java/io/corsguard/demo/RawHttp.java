package io.corsguard.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A minimal HTTP/1.1 client over a raw socket: the response head exactly as it left the server. */
public final class RawHttp {
    private RawHttp() {
    }

    /** Status line and header lines, in wire order, duplicates kept. */
    public static final class Head {
        public final String statusLine;
        public final List<String> lines;

        Head(String statusLine, List<String> lines) {
            this.statusLine = statusLine;
            this.lines = lines;
        }

        public int status() {
            String[] parts = statusLine.split(" ");
            return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
        }

        /** Values of every line named {@code name}, case-insensitive. */
        public List<String> values(String name) {
            List<String> out = new ArrayList<>();
            for (String line : lines) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    out.add(line.substring(colon + 1).trim());
                }
            }
            return out;
        }
    }

    /** Sends one request with {@code Connection: close} and returns the response head. */
    public static Head send(String host, int port, String method, String path, String... headerLines) throws IOException {
        StringBuilder req = new StringBuilder();
        req.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        req.append("Host: ").append(host).append(':').append(port).append("\r\n");
        for (String h : headerLines) {
            req.append(h).append("\r\n");
        }
        req.append("Connection: close\r\n\r\n");
        try (Socket s = new Socket(host, port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return readHead(s.getInputStream());
        }
    }

    /** Reads one response head (status line and header lines up to the blank line). */
    public static Head readHead(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int state = 0;
        int b;
        while ((b = in.read()) >= 0) {
            buf.write(b);
            if (b == '\r' && (state == 0 || state == 2)) {
                state++;
            } else if (b == '\n' && (state == 1 || state == 3)) {
                state++;
                if (state == 4) {
                    break;
                }
            } else {
                state = 0;
            }
        }
        String[] raw = buf.toString("ISO-8859-1").split("\r\n");
        List<String> lines = new ArrayList<>();
        for (int i = 1; i < raw.length; i++) {
            if (!raw[i].isEmpty()) {
                lines.add(raw[i]);
            }
        }
        return new Head(raw.length > 0 ? raw[0] : "", lines);
    }
}
