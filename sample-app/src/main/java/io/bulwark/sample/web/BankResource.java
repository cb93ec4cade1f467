package io.bulwark.sample.web;

import io.bulwark.sample.bank.Account;
import io.bulwark.sample.bank.Accounts;
import io.bulwark.sample.bank.Audit;
import io.bulwark.sample.bank.BankService;
import io.bulwark.sample.bank.BankServiceBean;
import io.bulwark.sample.bank.History;
import io.bulwark.sample.bank.Overview;
import io.bulwark.sample.bank.Transfer;
import io.bulwark.store.NotFoundException;
import jakarta.data.Limit;
import jakarta.data.page.PageRequest;
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
 * The bank's REST API (JSON). Money moves through the {@code @Replicated} {@link #bank}; the lists (accounts,
 * an account's history) are read through the Jakarta Data repositories {@link #accounts} and {@link #history},
 * implemented by Bulwark's provider. Every call of either is one BFT request signed as the logged-in user (the
 * proxies come from {@link BankClients#currentClient}); rules and invariants are the replicas' business (the
 * repositories are read-only and allow the same roles as the service's reads), and their refusals become HTTP
 * statuses in {@link FailureMapper}.
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

    /** Largest page of {@code GET accounts}: the bank service's old bound, under the provider's. */
    static final int MAX_ACCOUNTS = 500;
    /** Largest page of an account's history: the bank service's bound. */
    static final int MAX_HISTORY = BankServiceBean.MAX_HISTORY;

    @Inject BankService bank;
    @Inject Accounts accounts;
    @Inject History history;
    @Inject CurrentUser user;
    @Inject BankClients clients;

    @GET @Path("me")
    public Me me() { return new Me(user.get().name(), user.get().clientId(), bank.whoAmI()); }

    /**
     * Accounts in id order, through the repository: {@code ?owner=} only that owner's (by the owner index),
     * else every account, {@code ?page=} (from 1) of {@code ?size=} at a time.
     */
    @GET @Path("accounts")
    public List<Account> accounts(@QueryParam("owner") String owner, @QueryParam("page") @DefaultValue("1") long page,
                                  @QueryParam("size") @DefaultValue("" + MAX_ACCOUNTS) int size) {
        if (page < 1) throw new jakarta.ws.rs.BadRequestException("page counts from 1, not " + page);
        if (size < 1 || size > MAX_ACCOUNTS) throw new jakarta.ws.rs.BadRequestException("size must be 1.." + MAX_ACCOUNTS + ", not " + size);
        if (owner != null) {
            if (page != 1) throw new jakarta.ws.rs.BadRequestException("an owner's accounts come in one page");
            return accounts.ownedBy(owner, Limit.of(size));
        }
        return accounts.all(PageRequest.ofPage(page, size, false)).content();
    }

    @POST @Path("accounts") @Consumes(MediaType.APPLICATION_JSON)
    public Account open(NewAccount body) {
        if (body == null) throw new jakarta.ws.rs.BadRequestException("a JSON body {owner, name} is required");
        return bank.open(body.owner() == null ? user.get().name() : body.owner(), body.name());
    }

    @GET @Path("accounts/{id}")
    public Account account(@PathParam("id") long id) { return bank.account(id); }

    /**
     * {@code id}'s transfers and deposits, newest first: {@code ?limit=} of them (default 20), older than the entry
     * {@code ?before=} (for the next page: the last id of this one). Both directions come from the bank's statement,
     * one read; {@code ?direction=in} or {@code out} only money into or out of it, through the {@link History}
     * repository. 404 for no such account.
     */
    @GET @Path("accounts/{id}/history")
    public List<Transfer> history(@PathParam("id") long id, @QueryParam("before") Long before,
                                  @QueryParam("limit") @DefaultValue("20") int limit, @QueryParam("direction") String direction) {
        if (limit < 1 || limit > MAX_HISTORY) throw new jakarta.ws.rs.BadRequestException("limit must be 1.." + MAX_HISTORY + ", not " + limit);
        long older = before == null ? Long.MAX_VALUE : before;
        if (direction == null) return bank.statement(id, older, limit).entries();
        List<Transfer> page = switch (direction) {
            case "in" -> history.findByToAccountAndIdLessThanOrderByIdDesc(id, older, Limit.of(limit));
            case "out" -> history.findByFromAccountAndIdLessThanOrderByIdDesc(id, older, Limit.of(limit));
            default -> throw new jakarta.ws.rs.BadRequestException("direction is in or out, not " + direction);
        };
        // An empty page is also what an account that does not exist has: say which it is (a second read, only then).
        if (page.isEmpty() && accounts.byId(id).isEmpty()) throw new NotFoundException("no account " + id);
        return page;
    }

    /**
     * What the bank's page shows, in one read of the replicas: {@code ?owner=}'s accounts (else every account),
     * the newest {@code ?recent=} transfers, the audit, and the newest {@code ?entries=} of account
     * {@code ?account=}'s statement if one is given.
     */
    @GET @Path("overview")
    public Overview overview(@QueryParam("owner") String owner, @QueryParam("recent") @DefaultValue("20") int recent,
                             @QueryParam("account") Long account, @QueryParam("entries") @DefaultValue("20") int entries) {
        return bank.overview(owner, recent, account, entries);
    }

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
    public GroupStatus group() { return clients.group(user.get()); }
}
