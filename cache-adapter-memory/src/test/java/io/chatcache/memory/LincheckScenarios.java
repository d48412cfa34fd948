package io.chatcache.memory;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import kotlin.Unit;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.DSLScenarioBuilder;
import org.jetbrains.lincheck.datastructures.DSLThreadScenario;

/** Hand-written Lincheck scenarios, from Java: an initial part and two parallel threads. */
final class LincheckScenarios {

    private LincheckScenarios() {
    }

    /** One operation of the test class, by name, with its int arguments. */
    record Call(String operation, Object[] arguments) {
    }

    static Call call(String operation, Object... arguments) {
        return new Call(operation, arguments);
    }

    static ExecutionScenario of(Class<?> test, List<Call> initial, List<Call> first, List<Call> second) {
        DSLScenarioBuilder builder = new DSLScenarioBuilder();
        builder.initial(thread -> add(thread, test, initial));
        builder.parallel(parallel -> {
            parallel.thread(thread -> add(thread, test, first));
            parallel.thread(thread -> add(thread, test, second));
            return Unit.INSTANCE;
        });
        return builder.buildScenario();
    }

    private static Unit add(DSLThreadScenario thread, Class<?> test, List<Call> calls) {
        for (Call call : calls) {
            thread.add(new Actor(method(test, call), Arrays.asList(call.arguments())));
        }
        return Unit.INSTANCE;
    }

    private static Method method(Class<?> test, Call call) {
        return Arrays.stream(test.getMethods())
                .filter(m -> m.getName().equals(call.operation()) && m.getParameterCount() == call.arguments().length)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no operation " + call.operation() + " with "
                        + call.arguments().length + " arguments in " + test.getName()));
    }
}
