/** Implementation details of the Spring cache integration; not an API. */
package io.chatcache.spring.internal;
