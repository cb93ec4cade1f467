package io.bulwark.sample.web;

import io.bulwark.sample.bank.Transfer;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * Transfers journaled in the server's database in the same JTA transaction ({@link Journal}): the store and the
 * database commit together or not at all.
 */
@Path("journal")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class JournalResource {
    /** A journaled transfer request body; {@code failAfter} makes the application fail once both are written. */
    public record JournaledMove(Long from, Long to, long amount, String note, boolean failAfter) {}

    /** The committed journal rows with a note. */
    public record Entries(String note, long count) {}

    @Inject Journal journal;

    @POST @Path("transfers") @Consumes(MediaType.APPLICATION_JSON)
    public Transfer transfer(JournaledMove body) {
        if (body == null || body.from() == null || body.to() == null || body.note() == null)
            throw new jakarta.ws.rs.BadRequestException("a JSON body {from, to, amount, note, failAfter} is required");
        journal.ensureTable();
        return journal.transfer(body.from(), body.to(), body.amount(), body.note(), body.failAfter());
    }

    @GET
    public Entries entries(@QueryParam("note") String note) {
        if (note == null) throw new jakarta.ws.rs.BadRequestException("?note= is required");
        journal.ensureTable();
        return new Entries(note, journal.count(note));
    }
}
