package io.corsguard.servlet;

import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.corsguard.bootstrap.ServletBridge;
import io.corsguard.install.ClassFileHeader;
import io.corsguard.install.Weaving;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The commit hook of Jetty 9.4 and 10 (javax): {@code HttpChannel.sendResponse(MetaData.Response,
 * ByteBuffer, boolean, Callback)}, which every write passes and whose first call without a head of
 * its own commits the response (checked in the sources of jetty-server 9.4.54.v20240208 and
 * 10.0.26; the advice picks that call). Both have that method; their
 * {@code HttpFields} is a class in 9.4 and an interface in 10, so each gets the advice compiled
 * against it, told apart by the return type of {@code MetaData.Response.getFields()}. Live only
 * while {@code CorsGuardBridge.enabled("jetty-channel-commit-hook")}.
 */
public final class JettyChannelInstrumentation extends CommitHook {

    static final String HTTP_CHANNEL = "org.eclipse.jetty.server.HttpChannel";

    public JettyChannelInstrumentation() {
        this(CommitHookCoverage.none());
    }

    /** @param coverage told when this hook's class is matched but not woven */
    public JettyChannelInstrumentation(CommitHookCoverage coverage) {
        super(ServletBridge::markJettyChannelCommitHook, coverage, HTTP_CHANNEL);
        // Jetty's server classes load as the server is built; the channel at the first request
        preWeave("org/eclipse/jetty/server/", HTTP_CHANNEL);
    }

    @Override
    public String name() {
        return "jetty-channel";
    }

    /**
     * Not Jetty 12's {@code HttpChannel}, an interface of the same name (its responses are the
     * jetty12 hook's): matched, it would be "not woven" and release what the generic layer holds
     * back for every container ({@link CommitHookCoverage}).
     */
    @Override
    public boolean matches(ClassLoader loader, String internalName, byte[] classFile) {
        return super.matches(loader, internalName, classFile) && !ClassFileHeader.parse(classFile).isInterface();
    }

    @Override
    public boolean matches(Class<?> type) {
        return super.matches(type) && !type.isInterface();
    }

    @Override
    void weaveHook(Weaving weaving) {
        weaving.advice(sendResponse(false), "io.corsguard.servlet.Jetty9CommitHookAdvice")
            .advice(sendResponse(true), "io.corsguard.servlet.Jetty10CommitHookAdvice");
    }

    /** {@code sendResponse(MetaData.Response, ByteBuffer, boolean, Callback)}, on a Jetty whose {@code HttpFields} is an interface (10) or a class (9.4). */
    static ElementMatcher<MethodDescription> sendResponse(final boolean fieldsInterface) {
        return isMethod().and(named("sendResponse")).and(takesArguments(4))
            .and(takesArgument(0, named("org.eclipse.jetty.http.MetaData$Response")))
            .and(takesArgument(3, named("org.eclipse.jetty.util.Callback")))
            .and(new ElementMatcher.Junction.AbstractBase<MethodDescription>() {
                @Override
                public boolean matches(MethodDescription method) {
                    TypeDefinition type = method.getParameters().get(0).getType();
                    // getFields() is declared by MetaData, the superclass of MetaData.Response
                    for (; type != null; type = type.getSuperClass()) {
                        for (MethodDescription m : type.getDeclaredMethods().filter(named("getFields").and(takesArguments(0)))) {
                            return m.getReturnType().asErasure().isInterface() == fieldsInterface;
                        }
                    }
                    return false;
                }
            });
    }
}
