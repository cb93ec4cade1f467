package io.bulwark.sample.web;

import io.bulwark.sample.bank.Account;
import io.bulwark.sample.bank.Audit;
import io.bulwark.sample.bank.BankService;
import io.bulwark.sample.bank.Transfer;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * The bank's REST API (JSON). Every call of {@link #bank} is one BFT request signed as the logged-in user
 * (the proxy comes from {@link BankClients#currentClient}); rules and invariants are the replicas' business,
 * and their refusals become HTTP statuses in {@link FailureMapper}.
 */
@Path("")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class BankResource {
    /** A transfer or deposit request body. */
    public record Move(Long from, Long to, long amount) {}

    /** A new account request body. */
    public record NewAccount(String owner, String name) {}

    /** Who is logged in here, and who the replicas say that is. */
    public record Me(String user, int clientId, String replicaPrincipal) {}

    @Inject BankService bank;
    @Inject CurrentUser user;
    @Inject BankClients clients;

    @GET @Path("me")
    public Me me() { return new Me(user.get().name(), user.get().clientId(), bank.whoAmI()); }

    @GET @Path("accounts")
    public List<Account> accounts() { return bank.accounts(); }

    @POST @Path("accounts") @Consumes(MediaType.APPLICATION_JSON)
    public Account open(NewAccount body) {
        if (body == null) throw new jakarta.ws.rs.BadRequestException("a JSON body {owner, name} is required");
        return bank.open(body.owner() == null ? user.get().name() : body.owner(), body.name());
    }

    @GET @Path("accounts/{id}")
    public Account account(@PathParam("id") long id) { return bank.account(id); }

    @GET @Path("accounts/{id}/history")
    public List<Transfer> history(@PathParam("id") long id) { return bank.history(id); }

    @POST @Path("accounts/{id}/deposits") @Consumes(MediaType.APPLICATION_JSON)
    public Account deposit(@PathParam("id") long id, Move body) {
        if (body == null) throw new jakarta.ws.rs.BadRequestException("a JSON body {amount} is required");
        return bank.deposit(id, body.amount());
    }

    @POST @Path("transfers") @Consumes(MediaType.APPLICATION_JSON)
    public Transfer transfer(Move body) {
        if (body == null || body.from() == null || body.to() == null)
            throw new jakarta.ws.rs.BadRequestException("a JSON body {from, to, amount} is required");
        return bank.transfer(body.from(), body.to(), body.amount());
    }

    @GET @Path("transfers")
    public List<Transfer> recent(@QueryParam("limit") @DefaultValue("20") int limit) { return bank.recentTransfers(limit); }

    @GET @Path("audit")
    public Audit audit() { return bank.audit(); }

    @GET @Path("group")
    public GroupStatus group() { return clients.group(); }
}
