package io.bulwark.sample.bank;

/** The caller tried to move money out of an account that is not theirs without being a teller (decided on the replicas). */
public class NotYourAccountException extends RuntimeException {
    public NotYourAccountException(String message) { super(message); }
}
