/** The event contract shared by every service: one envelope, its type names and channel names. */
package dev.forum.contract;
