package io.bulwark.jakarta.tck;

import ee.jakarta.tck.data.standalone.nosql.example.Catalog;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/** A bean injecting a repository Bulwark does implement, beside the TCK's core CDI repositories it must not. */
@Dependent
public class CatalogUser {
    @Inject
    Catalog catalog;
}
