package io.corsguard.bench;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.AbstractProtocol;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.apache.coyote.http11.Http11Processor;
import org.apache.tomcat.util.net.AbstractEndpoint;
import org.apache.tomcat.util.net.ApplicationBufferHandler;
import org.apache.tomcat.util.net.SSLSupport;
import org.apache.tomcat.util.net.SendfileDataBase;
import org.apache.tomcat.util.net.SendfileState;
import org.apache.tomcat.util.net.SocketBufferHandler;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The Tomcat twin of {@link NettyPipelineBench}: one whole HTTP/1.1 exchange through Tomcat's
 * real request path (the coyote {@code Http11Processor} parsing the request, {@code CoyoteAdapter},
 * the mapper, the context's filter chain, a servlet answering like the demo's {@code /api/correct}
 * and {@code /api/reflect}, the response head written by {@code prepareResponse}), on one thread:
 * the socket is replaced by an in-memory {@code SocketWrapperBase} that hands the processor the
 * request bytes and takes the response bytes. An embedded Tomcat 9 is started for its connector,
 * service and context; its port is never used. Nothing here refers to the agent: run it plain
 * and with {@code -javaagent} ({@code run-pipeline.sh}), the difference is the agent's cost per
 * exchange without the loopback and scheduler noise of the wrk runs.
 *
 * <p>{@code kind} and {@code -Dbench.expectAgent} as in {@link NettyPipelineBench}: with
 * {@code correct} the set-up fails unless the violating response leaves without credentials.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class TomcatPipelineBench {

    @Param({"noOrigin", "compliant", "violating"})
    public String kind;

    static final String TRUSTED = NettyPipelineBench.TRUSTED;
    static final String UNTRUSTED = NettyPipelineBench.UNTRUSTED;

    private Tomcat tomcat;
    private java.io.File base;
    private Http11Processor processor;
    private MemorySocket socket;
    private byte[] request;

    /** Answers as the demo's Tomcat server does: status, the app's CORS lines, type, length, body. */
    static final class DemoLikeServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private static final byte[] BODY = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String origin = req.getHeader("Origin");
            resp.setStatus(200);
            if (origin != null) {
                if (req.getRequestURI().startsWith("/api/reflect")) {
                    resp.addHeader("Access-Control-Allow-Origin", origin);
                    resp.addHeader("Access-Control-Allow-Credentials", "true");
                } else if (TRUSTED.equals(origin)) {
                    resp.addHeader("Access-Control-Allow-Origin", TRUSTED);
                    resp.addHeader("Access-Control-Allow-Credentials", "true");
                    resp.addHeader("Vary", "Origin");
                }
            }
            resp.setContentType("application/json");
            resp.setContentLength(BODY.length);
            resp.getOutputStream().write(BODY);
        }
    }

    /**
     * A connection in memory: {@link #read} hands out the request once per exchange, {@link #doWrite}
     * keeps (or only counts) what the processor sends.
     */
    static final class MemorySocket extends SocketWrapperBase<Object> {
        private ByteBuffer in = ByteBuffer.allocate(0);
        long written;
        ByteArrayOutputStream keep;

        MemorySocket(AbstractEndpoint<Object, ?> endpoint) {
            super(new Object(), endpoint);
            socketBufferHandler = new SocketBufferHandler(8192, 8192, true);
        }

        void arrive(byte[] bytes) {
            in = ByteBuffer.wrap(bytes);
        }

        @Override
        public int read(boolean block, byte[] b, int off, int len) {
            int n = Math.min(len, in.remaining());
            in.get(b, off, n);
            return n;
        }

        @Override
        public int read(boolean block, ByteBuffer to) {
            int n = Math.min(to.remaining(), in.remaining());
            if (n == 0) {
                return 0;
            }
            ByteBuffer slice = in.duplicate();
            slice.limit(slice.position() + n);
            to.put(slice);
            in.position(in.position() + n);
            return n;
        }

        @Override
        public boolean isReadyForRead() {
            return in.hasRemaining();
        }

        @Override
        protected void doWrite(boolean block, ByteBuffer from) {
            written += from.remaining();
            if (keep != null) {
                while (from.hasRemaining()) {
                    keep.write(from.get());
                }
            } else {
                from.position(from.limit());
            }
        }

        @Override
        protected boolean flushNonBlocking() throws IOException {
            doWrite(false);
            return !socketBufferHandler.isWriteBufferEmpty();
        }

        @Override
        public void setAppReadBufHandler(ApplicationBufferHandler handler) {
        }

        @Override
        protected void doClose() {
        }

        @Override
        public void registerReadInterest() {
        }

        @Override
        public void registerWriteInterest() {
        }

        @Override
        public SendfileDataBase createSendfileData(String filename, long pos, long length) {
            return null;
        }

        @Override
        public SendfileState processSendfile(SendfileDataBase sendfileData) {
            return SendfileState.DONE;
        }

        @Override
        public void doClientAuth(SSLSupport sslSupport) {
        }

        @Override
        public SSLSupport getSslSupport() {
            return null;
        }

        @Override
        protected <A> OperationState<A> newOperationState(boolean read, ByteBuffer[] buffers, int offset, int length,
                                                          BlockingMode block, long timeout, TimeUnit unit, A attachment,
                                                          CompletionCheck check,
                                                          CompletionHandler<Long, ? super A> handler,
                                                          Semaphore semaphore,
                                                          VectoredIOCompletionHandler<A> completion) {
            throw new UnsupportedOperationException("no vectored I/O in this benchmark");
        }

        @Override
        protected void populateRemoteHost() {
            remoteHost = "127.0.0.1";
        }

        @Override
        protected void populateRemoteAddr() {
            remoteAddr = "127.0.0.1";
        }

        @Override
        protected void populateRemotePort() {
            remotePort = 40000;
        }

        @Override
        protected void populateLocalName() {
            localName = "localhost";
        }

        @Override
        protected void populateLocalAddr() {
            localAddr = "127.0.0.1";
        }

        @Override
        protected void populateLocalPort() {
            localPort = 18080;
        }
    }

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() throws Exception {
        base = Files.createTempDirectory("tomcat-bench").toFile();
        tomcat = new Tomcat();
        tomcat.setBaseDir(base.getAbsolutePath());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        // one connection for the whole run: no "Connection: close" after Tomcat's default 100
        connector.setProperty("maxKeepAliveRequests", "-1");
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Context ctx = tomcat.addContext("", base.getAbsolutePath());
        Tomcat.addServlet(ctx, "demo", new DemoLikeServlet());
        ctx.addServletMappingDecoded("/*", "demo");
        tomcat.start();

        AbstractHttp11Protocol<?> protocol = (AbstractHttp11Protocol<?>) connector.getProtocolHandler();
        Method getEndpoint = AbstractProtocol.class.getDeclaredMethod("getEndpoint");
        getEndpoint.setAccessible(true);
        AbstractEndpoint<Object, ?> endpoint = (AbstractEndpoint<Object, ?>) getEndpoint.invoke(protocol);
        processor = new Http11Processor(protocol, protocol.getAdapter());
        socket = new MemorySocket(endpoint);

        String head;
        switch (kind) {
            case "noOrigin":
                head = "GET /api/correct HTTP/1.1\r\nHost: 127.0.0.1:18080\r\n";
                break;
            case "compliant":
                head = "GET /api/correct HTTP/1.1\r\nHost: 127.0.0.1:18080\r\nOrigin: " + TRUSTED
                    + "\r\nCookie: session=demo\r\n";
                break;
            case "violating":
                head = "GET /api/reflect HTTP/1.1\r\nHost: 127.0.0.1:18080\r\nOrigin: " + UNTRUSTED
                    + "\r\nCookie: session=demo\r\n";
                break;
            default:
                throw new IllegalArgumentException(kind);
        }
        request = (head + "\r\n").getBytes(StandardCharsets.US_ASCII);

        socket.keep = new ByteArrayOutputStream();
        exchange();
        String response = new String(socket.keep.toByteArray(), StandardCharsets.US_ASCII);
        socket.keep = null;
        if (!response.startsWith("HTTP/1.1 200") || !response.endsWith("{\"ok\":true}")) {
            throw new IllegalStateException("unexpected response:\n" + response);
        }
        NettyPipelineBench.checkAgent(kind, response);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        tomcat.stop();
        tomcat.destroy();
        deleteTree(base);
    }

    private static void deleteTree(java.io.File f) {
        java.io.File[] children = f.listFiles();
        if (children != null) {
            for (java.io.File c : children) {
                deleteTree(c);
            }
        }
        f.delete();
    }

    /**
     * One keep-alive exchange as Tomcat's connection handler runs it: the request arrives, the
     * processor serves it and finds no next request, and is recycled for the connection's next
     * read (what {@code AbstractProtocol.ConnectionHandler} does between keep-alive requests).
     */
    @Benchmark
    public long exchange() throws IOException {
        long before = socket.written;
        socket.arrive(request);
        processor.process(socket, SocketEvent.OPEN_READ);
        processor.recycle();
        return socket.written - before;
    }
}
