package io.bulwark.sample.web;

import io.bulwark.sample.bank.BankService;
import io.bulwark.sample.bank.Transfer;
import io.bulwark.jakarta.client.BulwarkClient;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.WebApplicationException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * A journal of transfers in the server's own database (the Jakarta EE default data source: WildFly's
 * {@code ExampleDS}, Payara's {@code jdbc/__default}, both H2), written in the same JTA transaction as the
 * transfer on the replicas: the store joins the transaction as an XA resource ({@code jakarta-adapter}'s JTA
 * support), so both commit or neither does.
 */
@RequestScoped   // per request: the injected client and proxy are the current user's
public class Journal {
    @Resource(lookup = "java:comp/DefaultDataSource")
    DataSource database;

    @Inject BankService bank;
    /** The current user's client: the one {@link #bank}'s calls go through. */
    @Inject BulwarkClient client;

    /** Creates the journal's table if it is missing, outside any transaction (H2 commits DDL on its own). */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public void ensureTable() {
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            s.execute("create table if not exists bulwark_journal(note varchar(100) not null, amount bigint not null)");
        } catch (SQLException e) {
            throw new IllegalStateException("the journal's table: " + e.getMessage(), e);
        }
    }

    /**
     * The transfer and its journal row in one JTA transaction; with {@code failAfter} the application fails after
     * both were written, and both roll back (409). A transfer the replicas refuse rolls the row back too.
     */
    @Transactional
    public Transfer transfer(long from, long to, long amount, String note, boolean failAfter) {
        // The store first: Payara adds no XA resource to a transaction that already holds a non-XA one (its default
        // data source is not XA), while a non-XA resource may join an XA transaction last. WildFly takes either order.
        client.joinTransaction();
        try (Connection c = database.getConnection();
             PreparedStatement insert = c.prepareStatement("insert into bulwark_journal(note, amount) values (?, ?)")) {
            insert.setString(1, note);
            insert.setLong(2, amount);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the journal's insert: " + e.getMessage(), e);
        }
        Transfer t = bank.transfer(from, to, amount);
        if (failAfter) throw new WebApplicationException("failed after the transfer and the journal row, as asked: both roll back", 409);
        return t;
    }

    /** How many committed journal rows carry {@code note}. */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public long count(String note) {
        try (Connection c = database.getConnection();
             PreparedStatement q = c.prepareStatement("select count(*) from bulwark_journal where note = ?")) {
            q.setString(1, note);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the journal's count: " + e.getMessage(), e);
        }
    }
}
