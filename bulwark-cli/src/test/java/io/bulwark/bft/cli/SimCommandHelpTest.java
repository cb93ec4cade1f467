package io.bulwark.bft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.sim.adversary.Adversary;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        // And the list names exactly the enum's adversaries, each once: no stale or misspelt entry either.
        Matcher m = Pattern.compile("comma-separated list of (.*?)\\. The main adversary").matcher(help);
        assertTrue(m.find(), "no adversary list in: " + help);
        List<String> listed = Arrays.stream(m.group(1).split(",")).map(String::trim).toList();
        List<String> labels = Arrays.stream(Adversary.values()).map(Adversary::label).toList();
        assertEquals(new TreeSet<>(labels), new TreeSet<>(listed));
        assertEquals(labels.size(), listed.size(), "an adversary listed twice: " + listed);
    }
}
