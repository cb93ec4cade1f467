package io.bulwark.store.codec;

import io.bulwark.store.codec.Fixtures.Line;
import io.bulwark.store.codec.Fixtures.Money;
import io.bulwark.store.codec.Fixtures.Status;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Pins the encoding. If this fails, stored states and signed replies no longer match what the code
 * writes: change the format only on purpose, and then these bytes with it.
 */
class GoldenBytesTest {
    @Test
    void typeIdsComeFromNamesOnly() {
        assertEquals(0x065B8F1F, TypeIds.forName("io.bulwark.store.codec.Fixtures$Line"));
        assertEquals(0x0061488B, TypeIds.forName("com.example.Order"));
        assertEquals(0x0880EA98, TypeIds.forName("io.bulwark.store.codec.Fixtures$Money"));
        assertEquals(0x0673AB5C, TypeIds.forName("io.bulwark.store.codec.Fixtures$Status"));
    }

    @Test
    void smallGraph() {
        Object graph = List.of(
                new Line("A-1", 3, new Money(new BigDecimal("9.95"), "EUR"), Status.CLOSED),
                Map.of("b", 2, "a", 1),
                -0.0);
        String expected = "1403"                      // list (20) of 3
                + "9f9eee32"                          // Line's id 0x065B8F1F as 4 bytes of 7 bits, low first, then its components by name:
                + "98d58344"                          //   price: Money (id 0x0880EA98): amount, currency
                + "0b04" + "02" + "03e3"              //     amount: BigDecimal scale 2 (zigzag 4), unscaled 995
                + "0903455552"                        //     currency: "EUR"
                + "06"                                //   quantity: int 3 as zigzag 6 (primitive: no tag)
                + "090341 2d31".replace(" ", "")      //   sku: "A-1"
                + "dcd6ce33" + "06434c4f534544"       //   status: Status (id 0x0673AB5C) "CLOSED"
                + "1702" + "090161" + "0502" + "090162" + "0504"   // map {a=1, b=2} in key order
                + "08" + "0000000000000080";          // Double -0.0 (fixed widths are little-endian)
        assertEquals(expected, Fixtures.hex(Fixtures.codec().encode(graph)));
    }
}
