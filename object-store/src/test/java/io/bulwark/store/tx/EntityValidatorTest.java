package io.bulwark.store.tx;

import io.bulwark.store.ValidationException.Violation;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.*;

class EntityValidatorTest {
    static class Thing {
        @NotNull String name;
        @Min(0) long amount;
        @Size(max = 3) String code;
    }

    @Test
    void violationsAreSortedAndInEnglishWhateverTheDefaultLocale() {
        Thing t = new Thing();
        t.amount = -5;
        t.code = "toolong";
        Locale saved = Locale.getDefault();
        List<Violation> german;
        try {
            // A replica whose default locale is German must still answer in the root (English) bundle.
            Locale.setDefault(Locale.GERMANY);
            german = new EntityValidator().validate("Thing", t);
        } finally {
            Locale.setDefault(saved);
        }
        assertEquals(List.of(
                new Violation("Thing", "amount", "must be greater than or equal to 0"),
                new Violation("Thing", "code", "size must be between 0 and 3"),
                new Violation("Thing", "name", "must not be null")), german);
        assertEquals(german, new EntityValidator().validate("Thing", t));
    }

    @Test
    void aValidEntityHasNoViolations() {
        Thing t = new Thing();
        t.name = "x";
        assertEquals(List.of(), new EntityValidator().validate("Thing", t));
    }
}
