package io.bulwark.sample.web;

import io.bulwark.sample.users.UserFile;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * HTTP Basic login against the users file ({@link BankClients#users()}), before any REST resource runs.
 * The application checks passwords itself rather than through a server security realm so that the one WAR
 * deploys unchanged on WildFly and Payara without server configuration; what matters for the replicas is
 * the next step: the user picks the BFT client identity their requests are signed with, and the replicas
 * authenticate that client, not a name the request carries.
 */
@WebFilter("/api/*")
public class LoginFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;
    private static final String PREFIX = "Basic ";

    @Inject BankClients clients;
    @Inject CurrentUser current;

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain) throws IOException, ServletException {
        Optional<UserFile.User> user = authenticate(req.getHeader("Authorization"));
        if (user.isEmpty()) {
            res.setHeader("WWW-Authenticate", "Basic realm=\"Bulwark sample bank\", charset=\"UTF-8\"");
            res.sendError(HttpServletResponse.SC_UNAUTHORIZED, "log in as one of the bank's users");
            return;
        }
        current.set(user.get());
        chain.doFilter(req, res);
    }

    private Optional<UserFile.User> authenticate(String header) {
        if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) return Optional.empty();
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(PREFIX.length()).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) return Optional.empty();
        String name = decoded.substring(0, colon);
        char[] password = decoded.substring(colon + 1).toCharArray();
        return clients.users().user(name).filter(u -> clients.checkPassword(u, password));
    }
}
