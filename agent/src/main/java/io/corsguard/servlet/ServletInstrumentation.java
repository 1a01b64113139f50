package io.corsguard.servlet;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

import io.corsguard.bootstrap.ServletBridge;
import io.corsguard.install.ServerInstrumentation;
import io.corsguard.install.Weaving;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The generic {@code HttpServletResponse} layer for containers without a commit hook (DESIGN §5),
 * for javax.servlet and jakarta.servlet alike: the same matchers per namespace prefix, thin advice
 * shells per namespace, one logic in {@link GenericServletLayer}. Installing it also installs the
 * layer on the bridge; {@link ServletBridge#reset()} removes it.
 */
public final class ServletInstrumentation implements ServerInstrumentation {

    /** Each namespace: its package, and the prefix of its advice shells' names. */
    private static final String[][] NAMESPACES = {{"javax.servlet", "Javax"}, {"jakarta.servlet", "Jakarta"}};

    // the methods weave() advises, by name; WOVEN_METHODS joins them
    private static final String[] SERVICE = {"service"};
    private static final String[] DO_FILTER = {"doFilter"};
    private static final String[] HEADER_WRITES = {"setHeader", "addHeader"};
    private static final String[] COMMITS = {"getOutputStream", "getWriter", "flushBuffer", "reset"};
    private static final String[] SEND_ERROR = {"sendError"};
    private static final String[] SEND_REDIRECT = {"sendRedirect"};
    private static final String[] COMPLETE = {"complete"};

    /**
     * Every method name {@link #weave} advises, whatever the role: a class that declares none of
     * them (with a body) has nothing to weave, so its super types need not be known
     * ({@link ServletApiTypes}).
     */
    static final String[] WOVEN_METHODS = join(SERVICE, DO_FILTER, HEADER_WRITES, COMMITS, SEND_ERROR, SEND_REDIRECT, COMPLETE);

    private final ServletApiTypes[] types = new ServletApiTypes[NAMESPACES.length];
    private final CommitHookCoverage coverage;

    /** Installs the layer on the bridge, woven wherever it matches; {@link ServletBridge#reset()} removes it. */
    public ServletInstrumentation() {
        this(CommitHookCoverage.none());
    }

    /**
     * Installs the layer on the bridge; it is not woven into the classes {@code coverage} holds
     * back (a commit hook judges their container). {@link ServletBridge#reset()} removes it.
     */
    public ServletInstrumentation(CommitHookCoverage coverage) {
        this.coverage = coverage;
        ServletBridge.setLayer(new GenericServletLayer());
        for (int i = 0; i < NAMESPACES.length; i++) {
            types[i] = new ServletApiTypes(NAMESPACES[i][0]);
        }
    }

    @Override
    public String name() {
        return "servlet";
    }

    @Override
    public boolean matches(ClassLoader loader, String internalName, byte[] classFile) {
        for (ServletApiTypes t : types) {
            int roles = t.roles(loader, internalName, classFile);
            if (woven(roles)) {
                return !coverage.holdBack(loader, internalName, response(roles));
            }
        }
        return false;
    }

    @Override
    public boolean matches(Class<?> type) {
        for (ServletApiTypes t : types) {
            int roles = t.roles(type);
            if (woven(roles)) {
                return !coverage.holdBack(type.getClassLoader(), type.getName().replace('.', '/'), response(roles));
            }
        }
        return false;
    }

    /**
     * Servlets and filters, responses that are no wrappers (wrappers delegate to the response they
     * wrap, which is judged: excluding them keeps each write counted once), async contexts.
     */
    private static boolean woven(int roles) {
        return ServletApiTypes.has(roles, ServletApiTypes.SERVLET_OR_FILTER, 0)
            || ServletApiTypes.has(roles, ServletApiTypes.RESPONSE, ServletApiTypes.RESPONSE_WRAPPER)
            || ServletApiTypes.has(roles, ServletApiTypes.ASYNC_CONTEXT, 0);
    }

    private static boolean response(int roles) {
        return ServletApiTypes.has(roles, ServletApiTypes.RESPONSE, ServletApiTypes.RESPONSE_WRAPPER);
    }

    @Override
    public void weave(Weaving weaving) {
        for (int i = 0; i < NAMESPACES.length; i++) {
            // remembered when the class was matched: only its header is read again
            int roles = types[i].roles(weaving.loader(), weaving.internalName(), weaving.classFile());
            if (roles != 0) {
                weave(weaving, roles, NAMESPACES[i][0], "io.corsguard.servlet." + NAMESPACES[i][1]);
            }
        }
    }

    private static void weave(Weaving weaving, int roles, String api, String shell) {
        ElementMatcher.Junction<TypeDescription> request = named(api + ".ServletRequest");
        ElementMatcher.Junction<TypeDescription> response = named(api + ".ServletResponse");
        if (ServletApiTypes.has(roles, ServletApiTypes.SERVLET_OR_FILTER, 0)) {
            weaving.advice(concrete().and(namedOneOf(SERVICE)).and(takesArguments(2))
                    .and(takesArgument(0, request)).and(takesArgument(1, response)),
                shell + "ServiceAdvice")
                .advice(concrete().and(namedOneOf(DO_FILTER)).and(takesArguments(3))
                    .and(takesArgument(0, request)).and(takesArgument(1, response)),
                shell + "ServiceAdvice");
        }
        if (ServletApiTypes.has(roles, ServletApiTypes.RESPONSE, ServletApiTypes.RESPONSE_WRAPPER)) {
            weaving.advice(concrete().and(namedOneOf(HEADER_WRITES)).and(takesArguments(String.class, String.class)),
                    shell + "HeaderAdvice")
                .advice(concrete().and(namedOneOf(COMMITS)).and(takesNoArguments())
                        .or(concrete().and(namedOneOf(SEND_ERROR)).and(takesArgument(0, int.class)))
                        .or(concrete().and(namedOneOf(SEND_REDIRECT)).and(takesArgument(0, String.class))),
                    shell + "ResponseAdvice");
        }
        if (ServletApiTypes.has(roles, ServletApiTypes.ASYNC_CONTEXT, 0)) {
            weaving.advice(concrete().and(namedOneOf(COMPLETE)).and(takesNoArguments()), shell + "AsyncCompleteAdvice");
        }
    }

    @Override
    public void woven(String className) {
        // the generic layer needs no mark: it judges wherever no commit hook does
    }

    @Override
    public void notWoven(String className) {
        // e.g. a servlet that only overrides doGet: nothing of it to advise
    }

    private static String[] join(String[]... groups) {
        List<String> all = new ArrayList<>();
        for (String[] g : groups) {
            all.addAll(Arrays.asList(g));
        }
        return all.toArray(new String[0]);
    }

    private static ElementMatcher.Junction<MethodDescription> concrete() {
        return isMethod().and(not(isAbstract()));
    }
}
