package io.bulwark.sample.web;

import io.bulwark.jakarta.RemoteOperationException;
import io.bulwark.jakarta.UnknownOperationException;
import io.bulwark.sample.bank.NotYourAccountException;
import io.bulwark.store.AccessDeniedException;
import io.bulwark.store.BadRequestException;
import io.bulwark.store.EntityExistsException;
import io.bulwark.store.NotFoundException;
import io.bulwark.store.OptimisticLockException;
import io.bulwark.store.ValidationException;
import io.bulwark.store.client.GroupUnavailableException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The replicas' agreed refusals as HTTP statuses with a JSON body {@code {error, message, violations}}:
 * 400 bad arguments or an unreadable body, 403 access (no role, not the owner), 404, 409 conflicts, 422 invariant violations,
 * 503 no certified answer (the operation may or may not have run) or no configuration.
 */
@Provider
public class FailureMapper implements ExceptionMapper<RuntimeException> {
    private static final Logger LOG = Logger.getLogger(FailureMapper.class.getName());
    /** The error body. */
    public record Failure(String error, String message, List<ValidationException.Violation> violations) {}

    @Override public Response toResponse(RuntimeException e) {
        if (e instanceof WebApplicationException w) {
            Response r = w.getResponse();
            return body(r.getStatus(), e, List.of());
        }
        int status;
        List<ValidationException.Violation> violations = List.of();
        if (e instanceof ValidationException v) {
            status = 422;
            violations = v.violations();
        } else if (e instanceof AccessDeniedException || e instanceof NotYourAccountException) {
            status = 403;
        } else if (e instanceof NotFoundException) {
            status = 404;
        } else if (e instanceof OptimisticLockException || e instanceof EntityExistsException) {
            status = 409;
        } else if (e instanceof BadRequestException || e instanceof IllegalArgumentException || e instanceof ProcessingException) {
            // ProcessingException: a body the JSON binding could not read (the server's own failures reach us as others)
            status = 400;
        } else if (e instanceof GroupUnavailableException || e instanceof UnavailableException) {
            status = 503;
        } else if (e instanceof UnknownOperationException || e instanceof RemoteOperationException) {
            status = 502;
        } else {
            status = 500;
            LOG.log(Level.WARNING, "unexpected failure of a bank request", e);   // a bug here, not a refusal of the replicas
        }
        return body(status, e, violations);
    }

    private static Response body(int status, RuntimeException e, List<ValidationException.Violation> violations) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(new Failure(e.getClass().getSimpleName(), e.getMessage(), violations)).build();
    }
}
