package io.corsguard.servlet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** HTTP/1.1 over a plain socket: the response head exactly as it left the server. */
final class RawHttp {

    private RawHttp() {
    }

    /** Status line and header lines, in order, duplicates kept. */
    static List<String> head(int port, String method, String path, String... headerLines) throws IOException {
        StringBuilder req = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
            .append("Host: localhost\r\n").append("Connection: close\r\n");
        for (String h : headerLines) {
            req.append(h).append("\r\n");
        }
        req.append("\r\n");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) > 0; ) {
                all.write(buf, 0, n);
            }
            String text = all.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            return new ArrayList<>(Arrays.asList(text.substring(0, end < 0 ? text.length() : end).split("\r\n")));
        }
    }

    /** The values of every line named {@code name} (case-insensitive), in order. */
    static List<String> values(List<String> head, String name) {
        List<String> out = new ArrayList<>();
        for (String line : head.subList(1, head.size())) {
            int colon = line.indexOf(':');
            if (line.substring(0, colon).equalsIgnoreCase(name)) {
                out.add(line.substring(colon + 1).trim());
            }
        }
        return out;
    }

    /** The CORS lines (Access-Control-* and Vary) as "name: value", in order. */
    static List<String> corsLines(List<String> head) {
        List<String> out = new ArrayList<>();
        for (String line : head.subList(1, head.size())) {
            String name = line.substring(0, line.indexOf(':'));
            if (io.corsguard.bootstrap.CorsGuardBridge.isCorsHeader(name)) {
                out.add(line);
            }
        }
        return out;
    }
}
