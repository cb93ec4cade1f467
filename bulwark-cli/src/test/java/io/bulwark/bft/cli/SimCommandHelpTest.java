package io.bulwark.bft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.sim.adversary.Adversary;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code sim --help} names every adversary the simulator has (issue 11 item 4): a new one without a line here fails. */
class SimCommandHelpTest {
    @Test
    void helpListsEveryAdversary() {
        StringWriter out = new StringWriter();
        int exit = BulwarkCli.commandLine().setOut(new PrintWriter(out)).execute("sim", "--help");
        assertEquals(0, exit);
        String help = out.toString().replaceAll("\\s+", " ");
        for (Adversary a : Adversary.values()) assertTrue(help.contains(a.label()), a.label() + " missing from sim --help: " + help);
    }
}
