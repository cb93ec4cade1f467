package io.bulwark.sample.web;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The REST API under {@code /api}; every path needs a logged-in user ({@link LoginFilter}). */
@ApplicationPath("api")
public class BankApplication extends Application {}
