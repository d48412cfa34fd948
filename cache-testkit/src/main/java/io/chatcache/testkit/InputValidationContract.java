package io.chatcache.testkit;

import static io.chatcache.core.CacheStore.NO_EXPIRY;
import static io.chatcache.testkit.ContractData.EXISTING;
import static io.chatcache.testkit.ContractData.ORIGINAL;
import static io.chatcache.testkit.ContractData.OTHER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatcache.core.CacheStore;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.ValueType;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input: every call of the port refuses it before anything changes.
 *
 * <p>Demands: a null, empty or too long key, a null value, type, loader, listener, pattern, key
 * collection or map, and a null, zero or negative TTL are refused with
 * {@link io.chatcache.core.InvalidInputException} whose {@code argument()} (and message) names the
 * argument; the refused call leaves the value and TTL stored before as they were, adds no key and runs
 * no loader. (Bulk calls with one bad entry among good ones: {@link BulkOperationsContract}.)
 *
 * <p>Hooks consulted: {@link CacheStoreFixture#reportsRemainingTtl()}.
 */
public interface InputValidationContract extends ContractGroup {

    /**
     * Every call refuses bad input (null, empty or too long keys, null values, types and loaders, zero,
     * negative or null TTLs) with {@link io.chatcache.core.InvalidInputException} naming the argument, before
     * it changes anything: the value and TTL stored before are kept, no key is added, no loader runs.
     *
     * @param call the refused call
     * @param argument the argument it must name
     */
    @ParameterizedTest(name = "{0} is refused naming \"{1}\"")
    @MethodSource("io.chatcache.testkit.ContractData#invalidCalls")
    default void badInputIsRefusedNamingTheArgumentBeforeAnythingChanges(Consumer<CacheStore> call, String argument) {
        store().put(EXISTING, ORIGINAL, NO_EXPIRY);

        assertThatThrownBy(() -> call.accept(store()))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        refused -> assertThat(refused.argument()).isEqualTo(argument))
                .hasMessageContaining(argument);

        assertThat(store().get(EXISTING, String.class)).as("the value stored before the refused call")
                .contains(ORIGINAL);
        if (fixture().reportsRemainingTtl()) {
            assertThat(store().getEntry(EXISTING, ValueType.of(String.class)).orElseThrow().remainingTtl())
                    .as("the TTL stored before the refused call").isEqualTo(NO_EXPIRY);
        }
        assertThat(store().get(OTHER, String.class)).as("a key the refused call tried to write").isEmpty();
    }
}
